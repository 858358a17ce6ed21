// ApiError is the one failure type the SPA handles: every non-2xx answer and every network failure
// becomes one, carrying the backend's {code, message, details} shape.
import { t } from '@/locales'

/** One invalid field in a `validation_failed` answer. */
export interface FieldError {
  field: string
  message: string
}

/** The backend's error body for every failure. */
export interface ErrorBody {
  code: string
  message: string
  details?: Record<string, unknown>
}

/** Codes the SPA creates itself, for failures that never produced a server error body. */
export const CLIENT_CODES = {
  network: 'network_error',
  badResponse: 'bad_response',
} as const

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly details: Record<string, unknown>

  constructor(status: number, code: string, message: string, details: Record<string, unknown> = {}) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.details = details
  }

  /** Field errors of a `validation_failed` answer, keyed by field name (first message wins). */
  get fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {}
    const fields = this.details.fields
    if (!Array.isArray(fields)) return out
    for (const f of fields) {
      if (f && typeof f === 'object' && typeof f.field === 'string' && typeof f.message === 'string') {
        if (!(f.field in out)) out[f.field] = f.message
      }
    }
    return out
  }

  /** True when the request never reached the server (or its answer never reached us). */
  get isNetworkError(): boolean {
    return this.code === CLIENT_CODES.network
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError
}

function isErrorBody(v: unknown): v is ErrorBody {
  return (
    !!v &&
    typeof v === 'object' &&
    typeof (v as ErrorBody).code === 'string' &&
    typeof (v as ErrorBody).message === 'string' &&
    (v as ErrorBody).code !== '' &&
    (v as ErrorBody).message !== ''
  )
}

/** The Chinese message for a status whose body did not carry one (a proxy's HTML page, an empty 500). */
export function fallbackMessage(status: number): string {
  if (status === 401) return t('errors.unauthorized')
  if (status === 403) return t('errors.forbidden')
  if (status === 404) return t('errors.notFound')
  if (status === 429) return t('errors.tooManyRequests')
  if (status === 502 || status === 503 || status === 504) return t('errors.badGateway')
  if (status >= 500) return t('errors.server')
  return t('errors.unknown', { status })
}

/** Builds an ApiError from a non-2xx body text; anything but the error shape gets a generic message. */
export function parseErrorBody(status: number, text: string): ApiError {
  let body: unknown
  try {
    body = text ? JSON.parse(text) : undefined
  } catch {
    body = undefined
  }
  if (isErrorBody(body)) {
    const details = body.details && typeof body.details === 'object' && !Array.isArray(body.details) ? body.details : {}
    return new ApiError(status, body.code, body.message, details)
  }
  return new ApiError(status, `http_${status}`, fallbackMessage(status))
}

/** Reads a non-2xx Response into an ApiError. */
export async function errorFromResponse(res: Response): Promise<ApiError> {
  let text = ''
  try {
    text = await res.text()
  } catch {
    // A body that breaks off mid-way is treated like no body.
  }
  return parseErrorBody(res.status, text)
}

/** Turns anything thrown by fetch (offline, DNS, CORS refusal, reset) into an ApiError. */
export function networkError(cause: unknown): ApiError {
  if (cause instanceof ApiError) return cause
  const err = new ApiError(0, CLIENT_CODES.network, t('errors.network'))
  ;(err as { cause?: unknown }).cause = cause
  return err
}
