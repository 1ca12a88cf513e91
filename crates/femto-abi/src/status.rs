//! The one status type of the C API.

/// The result of every fallible call, a 32-bit integer on the wire: one of
/// the `FEMTO_STATUS_*` values. The numbers never change: retired values
/// stay reserved. `FEMTO_STATUS_OK` (0) and the informational `DROPPED`,
/// `TIMEOUT` and `FILTERED` are successes of a kind; values from 7000 up
/// are errors, explained by `femto_last_error()`.
pub type femto_status = i32;

/// The call did what was asked.
pub const FEMTO_STATUS_OK: femto_status = 0;
/// A record was accepted but at least one handler dropped it (its queue
/// was full under the `drop`/`timeout` policy, or it was closed).
pub const FEMTO_STATUS_DROPPED: femto_status = 1;
/// `flush`, `close` or `shutdown` did not finish within the timeout.
pub const FEMTO_STATUS_TIMEOUT: femto_status = 2;
/// The logger's filters rejected the record. Returned only to a caller
/// that asked for it (`femto_log_args.caller_side_done`); otherwise a
/// filtered record is `FEMTO_STATUS_OK`.
pub const FEMTO_STATUS_FILTERED: femto_status = 3;
/// A required pointer argument was NULL.
pub const FEMTO_STATUS_NULL_ARGUMENT: femto_status = 7001;
/// An argument was invalid: bad UTF-8, an unknown level name or enum
/// value, a bad logger name or format string, an out-of-range option or
/// count, a handle of the wrong kind. The message names the argument.
pub const FEMTO_STATUS_INVALID_ARGUMENT: femto_status = 7002;
/// The object cannot do this now (for example, it was already closed).
pub const FEMTO_STATUS_INVALID_STATE: femto_status = 7003;
/// A file or stream could not be opened, or a thread not started.
pub const FEMTO_STATUS_IO: femto_status = 7004;
/// femtologging panicked; the call had no effect. Please report it.
pub const FEMTO_STATUS_PANIC: femto_status = 7005;
/// An options struct's `size` is smaller than the first version of it.
pub const FEMTO_STATUS_STRUCT_TOO_SMALL: femto_status = 7006;
/// The caller's output buffer is too small; the call wrote how much is
/// needed to its length out-parameter: call again with a larger buffer.
pub const FEMTO_STATUS_BUFFER_TOO_SMALL: femto_status = 7007;
