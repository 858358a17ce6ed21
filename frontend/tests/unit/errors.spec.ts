import { describe, expect, it } from 'vitest'
import { ApiError, networkError, parseErrorBody } from '@/api/errors'

describe('parseErrorBody', () => {
  const cases: Array<{ name: string; status: number; body: string; code: string; message: string; details?: object }> = [
    {
      name: 'the error shape is taken as is',
      status: 401,
      body: JSON.stringify({ code: 'invalid_credentials', message: '用户名或密码错误', details: {} }),
      code: 'invalid_credentials',
      message: '用户名或密码错误',
      details: {},
    },
    {
      name: 'details are kept',
      status: 423,
      body: JSON.stringify({ code: 'account_locked', message: '账号已锁定，请 15 分钟后再试', details: { retry_after_seconds: 900 } }),
      code: 'account_locked',
      message: '账号已锁定，请 15 分钟后再试',
      details: { retry_after_seconds: 900 },
    },
    { name: 'an HTML 502 from a proxy', status: 502, body: '<html><body>Bad Gateway</body></html>', code: 'http_502', message: '服务器暂时无法访问，请稍后重试' },
    { name: 'an empty 500', status: 500, body: '', code: 'http_500', message: '服务器内部错误，请稍后重试' },
    { name: 'JSON that is not the error shape', status: 404, body: '{"error":"not found"}', code: 'http_404', message: '请求的内容不存在' },
    { name: 'a 429 without body', status: 429, body: '', code: 'http_429', message: '操作过于频繁，请稍后再试' },
    { name: 'an unknown 4xx without body names the status', status: 418, body: '', code: 'http_418', message: '请求失败（HTTP 418）' },
    { name: 'details that are not an object are dropped', status: 400, body: '{"code":"x","message":"错","details":[1]}', code: 'x', message: '错', details: {} },
  ]
  for (const c of cases) {
    it(c.name, () => {
      const e = parseErrorBody(c.status, c.body)
      expect(e).toBeInstanceOf(ApiError)
      expect(e.status).toBe(c.status)
      expect(e.code).toBe(c.code)
      expect(e.message).toBe(c.message)
      if (c.details) expect(e.details).toEqual(c.details)
    })
  }

  it('collects validation field errors, first message per field', () => {
    const e = parseErrorBody(
      400,
      JSON.stringify({
        code: 'validation_failed',
        message: '提交的数据有误',
        details: {
          fields: [
            { field: 'username', message: '请填写用户名' },
            { field: 'username', message: '第二条' },
            { field: 'password', message: '密码至少 8 位' },
            { bogus: true },
          ],
        },
      }),
    )
    expect(e.fieldErrors).toEqual({ username: '请填写用户名', password: '密码至少 8 位' })
  })
})

describe('networkError', () => {
  it('gives status 0 and the Chinese offline message', () => {
    const e = networkError(new TypeError('Failed to fetch'))
    expect(e.status).toBe(0)
    expect(e.isNetworkError).toBe(true)
    expect(e.message).toBe('无法连接服务器，请检查网络连接后重试')
  })
})
