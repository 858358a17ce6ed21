// Shapes the server sends, shared by several specs.
import type { PermissionNode } from '@/api/types/system'
import type { PermissionCode } from '@/api/types'

/** The enterprise scope of GET /api/v1/permissions (tree), as the server's catalogue defines it. */
export const enterpriseCatalog: PermissionNode[] = [
  {
    code: 'sys',
    title: '系统管理',
    type: 'group',
    children: [
      {
        code: 'sys:user',
        title: '用户管理',
        type: 'menu',
        children: [
          { code: 'sys:user:create', title: '新建用户', type: 'button' },
          { code: 'sys:user:update', title: '修改用户/匹配岗位', type: 'button' },
          { code: 'sys:user:disable', title: '停用/启用', type: 'button' },
          { code: 'sys:user:delete', title: '删除用户', type: 'button' },
          { code: 'sys:user:reset-password', title: '重置密码', type: 'button' },
          { code: 'sys:user:grant', title: '用户授权', type: 'button' },
        ],
      },
      {
        code: 'sys:role',
        title: '角色管理',
        type: 'menu',
        children: [
          { code: 'sys:role:create', title: '新建角色', type: 'button' },
          { code: 'sys:role:update', title: '修改角色', type: 'button' },
          { code: 'sys:role:delete', title: '删除角色', type: 'button' },
          { code: 'sys:role:grant', title: '角色授权', type: 'button' },
          { code: 'sys:role:assign', title: '分配用户', type: 'button' },
        ],
      },
      { code: 'sys:audit', title: '审计日志', type: 'menu' },
    ],
  },
]

export const USER_BUTTONS: PermissionCode[] = [
  'sys:user:create',
  'sys:user:update',
  'sys:user:disable',
  'sys:user:delete',
  'sys:user:reset-password',
  'sys:user:grant',
]
export const ROLE_BUTTONS: PermissionCode[] = ['sys:role:create', 'sys:role:update', 'sys:role:delete', 'sys:role:grant', 'sys:role:assign']

/** Every enterprise code: what an enterprise admin holds. */
export const ALL_ENTERPRISE_CODES: PermissionCode[] = ['sys', 'sys:user', ...USER_BUTTONS, 'sys:role', ...ROLE_BUTTONS, 'sys:audit']
