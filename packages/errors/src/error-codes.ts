// The stable error codes of each family: scripts, tests and the server's status table rely on them, so every code
// senti throws or reports is listed here (a new code is a deliberate, reviewed change; `SentiError` accepts no other).

/** Codes of `DataError`: data files and rows. */
export type DataErrorCode =
  | 'DATA_BAD_ARGUMENT'
  | 'DATA_BAD_DELIMITER'
  | 'DATA_BAD_ENCODING'
  | 'DATA_BAD_LABEL'
  | 'DATA_BAD_ROWS'
  | 'DATA_BAD_SPLIT'
  | 'DATA_COLUMN_NOT_FOUND'
  | 'DATA_CLASS_TOO_SMALL'
  | 'DATA_DUPLICATE_COLUMN'
  | 'DATA_DUPLICATE_COLUMNS'
  | 'DATA_EMPTY'
  | 'DATA_EMPTY_CLASS'
  | 'DATA_FILE_NOT_FOUND'
  | 'DATA_FILE_UNREADABLE'
  | 'DATA_NOT_CSV'
  | 'DATA_NO_ROWS'
  | 'DATA_PARSE_ERROR'
  | 'DATA_SAME_COLUMN'
  | 'DATA_TOO_FEW_CLASSES'
  | 'DATA_UNKNOWN_LABEL';

/** Codes of `TokenizeError`: tokenizer loading and encoding. */
export type TokenizeErrorCode =
  | 'TOKENIZE_BAD_CAP'
  | 'TOKENIZE_BAD_COVERAGE'
  | 'TOKENIZE_BAD_MAX_LENGTH'
  | 'TOKENIZE_HUB_ABORTED'
  | 'TOKENIZE_HUB_BAD_ENDPOINT'
  | 'TOKENIZE_HUB_BAD_RESPONSE'
  | 'TOKENIZE_HUB_CHECKSUM_MISMATCH'
  | 'TOKENIZE_HUB_FILE_NOT_FOUND'
  | 'TOKENIZE_HUB_NOT_CACHED'
  | 'TOKENIZE_HUB_REPO_NOT_FOUND'
  | 'TOKENIZE_HUB_REVISION_NOT_FOUND'
  | 'TOKENIZE_HUB_SERVER_ERROR'
  | 'TOKENIZE_HUB_UNAUTHORIZED'
  | 'TOKENIZE_HUB_UNREACHABLE'
  | 'TOKENIZE_LOAD_FAILED'
  | 'TOKENIZE_MODEL_NOT_FOUND'
  | 'TOKENIZE_NO_TEXTS'
  | 'TOKENIZE_TOO_LONG';

/** Codes of `ModelError`: encoder, head, backend, cache, predictor and artifacts. */
export type ModelErrorCode =
  | 'MODEL_ABORTED'
  | 'MODEL_BACKEND_UNAVAILABLE'
  | 'MODEL_BACKEND_UNKNOWN'
  | 'MODEL_BAD_CONFIG'
  | 'MODEL_BAD_DTYPE'
  | 'MODEL_BAD_LABELS'
  | 'MODEL_BAD_LAYER_WEIGHTS'
  | 'MODEL_BAD_MAX_LENGTH'
  | 'MODEL_BAD_OUTPUTS'
  | 'MODEL_BAD_POOLING'
  | 'MODEL_BAD_THRESHOLD'
  | 'MODEL_BAD_SAFETENSORS'
  | 'MODEL_BAD_UNFREEZE'
  | 'MODEL_CLOSING'
  | 'MODEL_CORRUPT'
  | 'MODEL_DIR_NOT_EMPTY'
  | 'MODEL_ENCODER_FILE_MISSING'
  | 'MODEL_ENCODER_MISMATCH'
  | 'MODEL_ENCODER_NOT_FOUND'
  | 'MODEL_CACHE_NOT_WRITABLE'
  | 'MODEL_EXPORT_BAD_ENCODER'
  | 'MODEL_EXPORT_DIR_NOT_EMPTY'
  | 'MODEL_EXPORT_DIR_OVERLAPS'
  | 'MODEL_EXPORT_WEB_ASSETS_MISSING'
  | 'MODEL_FORMAT_TOO_NEW'
  | 'MODEL_LABELS_MISMATCH'
  | 'MODEL_LOAD_FAILED'
  | 'MODEL_NOT_FOUND'
  | 'MODEL_NOT_READY'
  | 'MODEL_NO_CONFIG'
  | 'MODEL_NO_LAYER_WEIGHTS'
  | 'MODEL_NO_POOLER'
  | 'MODEL_ONNX_BAD_TENSOR'
  | 'MODEL_ONNX_EXTERNAL_DATA'
  | 'MODEL_ONNX_UNREADABLE'
  | 'MODEL_QUEUE_FULL'
  | 'MODEL_QUEUE_TIMEOUT'
  | 'MODEL_SHAPE_MISMATCH'
  | 'MODEL_THREAD_FAILED'
  | 'MODEL_UNSUPPORTED_GRAPH'
  | 'MODEL_UNSUPPORTED_LAYER'
  | 'MODEL_UNSUPPORTED_LAYOUT'
  | 'MODEL_VOCAB_MISMATCH';

/** Codes of `TrainError`: training options, checkpoints, saved splits. */
export type TrainErrorCode =
  | 'TRAIN_ABORTED'
  | 'TRAIN_BAD_FEATURES'
  | 'TRAIN_BAD_LABEL'
  | 'TRAIN_BAD_LABEL_NAMES'
  | 'TRAIN_BAD_OPTION'
  | 'TRAIN_CHECKPOINT_CORRUPT'
  | 'TRAIN_CHECKPOINT_MISMATCH'
  | 'TRAIN_DATA_CHANGED'
  | 'TRAIN_DATA_MOVED'
  | 'TRAIN_DIVERGED'
  | 'TRAIN_EMPTY_SPLIT'
  | 'TRAIN_NO_SPLIT';

/** Codes of `MetricsError`: metric inputs. */
export type MetricsErrorCode =
  | 'METRICS_BAD_LABEL'
  | 'METRICS_BAD_OPTION'
  | 'METRICS_BAD_SCORE'
  | 'METRICS_CLASS_ABSENT'
  | 'METRICS_EMPTY_INPUT'
  | 'METRICS_LABEL_OUT_OF_RANGE'
  | 'METRICS_LENGTH_MISMATCH'
  | 'METRICS_SHAPE_MISMATCH';

/** Codes of `UsageError`: command-line usage and option values. */
export type UsageErrorCode =
  | 'CLI_BAD_OPTION'
  | 'CLI_CONFIG_INVALID'
  | 'CLI_CONFIG_UNREADABLE'
  | 'CLI_MISSING_OPTION'
  | 'CLI_MISSING_VALUE'
  | 'CLI_NOT_A_RUN'
  | 'CLI_OUTPUT_FORMAT'
  | 'CLI_OUTPUT_IS_DIRECTORY'
  | 'CLI_OUTPUT_NOT_A_FILE'
  | 'CLI_OUT_NOT_A_DIRECTORY'
  | 'CLI_OUT_NOT_EMPTY'
  | 'CLI_OUT_IN_USE'
  | 'CLI_OUT_UNDER_A_FILE'
  | 'CLI_RESUME_CHANGED'
  | 'CLI_STDIN_TTY'
  | 'SERVER_BAD_OPTION';

/**
 * Codes the CLI reports that are not usage mistakes: a quality gate not met (exit 3), an output it cannot write, and
 * the two codes of its `--json` error document for failures that are not senti errors: `CLI_USAGE` (a usage mistake
 * commander caught) and `INTERNAL_ERROR` (a bug).
 */
export type CliErrorCode =
  'CLI_QUALITY_GATE' | 'CLI_OUTPUT_UNWRITABLE' | 'CLI_OUT_UNWRITABLE' | 'CLI_USAGE' | 'INTERNAL_ERROR';

/** Codes of `FileError`: a file or directory senti could not write (or read), by reason. */
export type FileErrorCode =
  | 'FILE_DISK_FULL'
  | 'FILE_QUOTA_EXCEEDED'
  | 'FILE_READ_ONLY'
  | 'FILE_PERMISSION_DENIED'
  | 'FILE_NOT_A_DIRECTORY'
  | 'FILE_IS_A_DIRECTORY'
  | 'FILE_TOO_MANY_OPEN'
  | 'FILE_NAME_TOO_LONG'
  | 'FILE_NOT_FOUND'
  | 'FILE_IO_ERROR'
  | 'FILE_SHORT_WRITE'
  | 'FILE_WRITE_FAILED';

/** Codes of `QueueError` (@senti/queue): Redis unreachable or misconfigured, chunks refused or failed. */
export type QueueErrorCode =
  | 'QUEUE_BAD_URL'
  | 'QUEUE_UNREACHABLE'
  | 'QUEUE_REDIS_LOST'
  | 'QUEUE_AUTH_FAILED'
  | 'QUEUE_BAD_MAX_LENGTH'
  | 'QUEUE_MODEL_MISMATCH'
  | 'QUEUE_STORE_NOT_SHARED'
  | 'QUEUE_CHUNKS_FAILED'
  | 'QUEUE_NO_WORKERS';

/** Codes the HTTP server (apps/server) answers with in `{ error: { code } }`; its status table maps each one. */
export type ServerErrorCode =
  | 'SERVER_INVALID_REQUEST'
  | 'SERVER_MISSING_FIELD'
  | 'SERVER_UNKNOWN_FIELD'
  | 'SERVER_INVALID_TYPE'
  | 'SERVER_TEXTS_EMPTY'
  | 'SERVER_TOO_MANY_TEXTS'
  | 'SERVER_TEXT_TOO_LONG'
  | 'SERVER_INVALID_JSON'
  | 'SERVER_EMPTY_BODY'
  | 'SERVER_NOT_FOUND'
  | 'SERVER_METHOD_NOT_ALLOWED'
  | 'SERVER_BODY_TOO_LARGE'
  | 'SERVER_UNSUPPORTED_MEDIA_TYPE'
  | 'SERVER_EXPECTATION_FAILED'
  | 'SERVER_BAD_HTTP'
  | 'SERVER_REQUEST_TIMEOUT'
  | 'SERVER_HEADERS_TOO_LARGE'
  | 'SERVER_NOT_READY'
  | 'SERVER_SHUTTING_DOWN'
  | 'SERVER_OVERLOADED'
  | 'SERVER_INTERNAL';

/** Every code a senti error can carry: `isSentiError(e)` narrows `e.code` to this, so a misspelt `case` fails to compile. */
export type SentiErrorCode =
  | DataErrorCode
  | TokenizeErrorCode
  | ModelErrorCode
  | TrainErrorCode
  | MetricsErrorCode
  | UsageErrorCode
  | CliErrorCode
  | FileErrorCode
  | QueueErrorCode
  | ServerErrorCode;
