// The chapters of the operation manual (internal/manual/content/NN-slug.md) that pages link to, with the
// titles those files carry. A unit test checks each slug and title against the files, so a tip never
// points to a chapter that does not exist.
export const MANUAL_CHAPTERS = {
  'getting-started': '登录与账号',
  'enterprise-admin': '企业管理员：初始化与基础设置',
  'post-user': '岗位用户：隐患排查填报',
  hazards: '隐患治理：登记、整改、验收、销号',
  regulator: '监管部门：企业登记、重大隐患与监管看板',
  statistics: '统计口径',
  faq: '常见问题',
  platform: '平台管理员',
  webhooks: '事件推送（webhook）与签名校验',
} as const

export type ManualChapter = keyof typeof MANUAL_CHAPTERS
