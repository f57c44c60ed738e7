import { DEFAULT_MAX_WORDS } from '@senti/model';
// JSON schemas of every route: fastify validates requests and serializes responses with them, and
// openapi.ts builds the OpenAPI document from the same objects.

/** Request limits that shape the predict schema. */
export interface RequestLimits {
  /** Most texts in one request. */
  maxTexts: number;
  /** Most characters in one text. */
  maxChars: number;
}

/** Body of `POST /v1/predict`. */
export function predictBodySchema(limits: RequestLimits) {
  return {
    type: 'object',
    required: ['texts'],
    additionalProperties: false,
    properties: {
      texts: {
        type: 'array',
        minItems: 1,
        maxItems: limits.maxTexts,
        items: { type: 'string', maxLength: limits.maxChars },
        description: `The sentences to classify (1 to ${limits.maxTexts}, each at most ${limits.maxChars} characters).`,
      },
      abstainBelow: {
        type: 'number',
        minimum: 0,
        maximum: 1,
        description:
          "Abstain (label null, abstained true) on texts whose top calibrated probability is below this; default: the server's --abstain-below, else the model's threshold, else never.",
      },
      explain: {
        type: 'boolean',
        description: `Add each prediction's word attributions (leave-one-word-out occlusion, first ${DEFAULT_MAX_WORDS} words; each word is one more text to encode and counts against the queue). At most ${MAX_EXPLAIN_TEXTS} texts per request.`,
      },
    },
  } as const;
}

/** The short identity of the served model, attached to every prediction response. */
export const modelRefSchema = {
  type: 'object',
  required: ['id', 'encoder', 'dtype'],
  properties: {
    id: { type: 'string', description: 'First 12 hex digits of the SHA-256 of the model manifest.' },
    encoder: { type: 'string', description: 'Encoder model id or directory name.' },
    dtype: { type: 'string', description: 'Encoder weights: fp32 or q8.' },
  },
} as const;

/** Most texts in one request with `explain: true` (each costs one encoding per word). */
export const MAX_EXPLAIN_TEXTS = 32;

/** One prediction's word attributions (present when the request asked `explain: true`). */
export const explanationSchema = {
  type: 'object',
  required: ['label', 'words', 'coverage', 'check'],
  description:
    "Word attributions: each word's score is p(label | text) − p(label | text without the word), calibrated.",
  properties: {
    label: {
      type: 'string',
      description: 'The label the scores are about (the most probable one, even when abstaining).',
    },
    words: {
      type: 'array',
      description: 'The explained words in text order, with character offsets (UTF-16) into the text.',
      items: {
        type: 'object',
        required: ['word', 'start', 'end', 'score', 'scores'],
        properties: {
          word: { type: 'string' },
          start: { type: 'integer' },
          end: { type: 'integer' },
          score: {
            type: 'number',
            description: 'Drop of p(label) without the word; negative: the word pulls against the label.',
          },
          scores: {
            type: 'object',
            additionalProperties: { type: 'number' },
            description: 'The same drop for every label.',
          },
        },
      },
    },
    coverage: {
      type: 'object',
      required: ['words', 'explained', 'note'],
      properties: {
        words: { type: 'integer' },
        explained: { type: 'integer' },
        limitedBy: { type: 'string', enum: ['words', 'tokens'] },
        note: { type: 'string' },
      },
    },
    check: {
      type: 'object',
      required: ['dropAllWords', 'sumOfScores'],
      properties: {
        dropAllWords: { type: 'number', description: 'Drop of p(label) with every explained word removed at once.' },
        sumOfScores: {
          type: 'number',
          description: 'Sum of the word scores; near dropAllWords when words act independently.',
        },
      },
    },
  },
} as const;

/** Response of `POST /v1/predict`. */
export const predictResponseSchema = {
  type: 'object',
  required: ['predictions', 'model'],
  properties: {
    predictions: {
      type: 'array',
      description: 'One prediction per text, in request order.',
      items: {
        type: 'object',
        required: ['label', 'score', 'probabilities'],
        properties: {
          label: { type: ['string', 'null'], description: 'The most probable label; null when the model abstained.' },
          abstained: {
            type: 'boolean',
            description: 'Present when a threshold is in effect: true when the top probability is below it.',
          },
          score: { type: 'number', description: 'Its probability.' },
          probabilities: {
            type: 'object',
            additionalProperties: { type: 'number' },
            description: 'Probability of every label, by label name.',
          },
          explanation: explanationSchema,
        },
      },
    },
    model: modelRefSchema,
  },
} as const;

/** Response of `GET /v1/model`. */
export const modelInfoSchema = {
  type: 'object',
  required: ['id', 'source', 'labels', 'encoder', 'maxLength'],
  properties: {
    id: { type: 'string' },
    source: {
      type: 'string',
      enum: ['senti', 'export'],
      description:
        'senti: a senti model directory; export: a directory written by senti export (no createdAt, metrics or training settings).',
    },
    labels: { type: 'array', items: { type: 'string' } },
    encoder: {
      type: 'object',
      properties: {
        model: { type: 'string' },
        dtype: { type: 'string' },
        pooling: { type: 'string' },
        hiddenSize: { type: 'integer' },
        fileHash: { type: 'string' },
      },
    },
    maxLength: { type: 'integer', description: 'Tokens per text; longer texts are truncated.' },
    createdAt: { type: 'string', description: 'When the model was trained (senti models only).' },
    calibration: {
      type: 'object',
      additionalProperties: true,
      description: 'Temperature the probabilities are divided by (already applied).',
    },
    abstention: {
      type: 'object',
      additionalProperties: true,
      description: 'Confidence threshold below which a prediction abstains.',
    },
    metrics: { type: 'object', additionalProperties: true, description: 'Metrics recorded at training time.' },
    training: { type: 'object', additionalProperties: true, description: 'Training settings.' },
    versions: { type: 'object', additionalProperties: { type: 'string' } },
  },
} as const;

/** Response of `GET /healthz` and `GET /readyz`. */
export const healthSchema = {
  type: 'object',
  required: ['status'],
  properties: {
    status: { type: 'string', description: 'ok, loading, failed or closing.' },
    message: { type: 'string' },
    queuedTexts: { type: 'integer', description: 'Texts waiting for the encoder (when ready).' },
  },
} as const;

/** Body of every error response. */
export const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'Stable error code, e.g. SERVER_TEXT_TOO_LONG.' },
        message: { type: 'string', description: 'One line saying what was wrong.' },
        field: { type: 'string', description: 'The request field at fault, e.g. texts[3].' },
      },
    },
  },
} as const;
