// async-validator (behind Element Plus forms) logs every failed rule outside production builds;
// the tests assert what the page shows instead.
;(globalThis as { ASYNC_VALIDATOR_NO_WARNING?: boolean }).ASYNC_VALIDATOR_NO_WARNING = true
