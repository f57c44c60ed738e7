export {
  BACKEND_NAMES,
  GPU_BACKENDS,
  type BackendChoice,
  type BackendName,
  type SelectBackendOptions,
} from './backend-choice.js';
export { backendOrder, decideBackend, type BackendProbe } from './backend-order.js';
export { selectBackend } from './select-backend.js';
