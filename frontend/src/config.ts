// Build-time settings shared by the API client, the router and the layout.

/** The product's name; the server's /meta repeats it, but the login page must show it before any call. */
export const PRODUCT_NAME = '北京市安全生产事故隐患排查信息系统'

/** Default time zone; /meta reports the server's, which wins once loaded. */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai'

/**
 * Origin of the API server. Empty (the default) means the origin the SPA was loaded from, which is
 * how the Go binary serves it; set VITE_API_BASE at build time to host the SPA elsewhere (the server's
 * CORS setting must then allow this origin).
 */
export const API_ORIGIN = (import.meta.env.VITE_API_BASE ?? '').replace(/\/+$/, '')

/** Prefix of every versioned API path. */
export const API_PREFIX = '/api/v1'
