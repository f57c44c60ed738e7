export { TINY_BERT, readEncoderReference, maxAbsDiff, type EncoderReference } from '@senti/fixtures';
