// QueueError lives in @senti/errors, so that an error record of its family rebuilds to it; re-exported here, where
// the queue's users have always imported it from.
export { QueueError } from '@senti/errors';
