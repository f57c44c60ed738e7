// The PyTorch layer-gradient fixture lives in @senti/fixtures (one owner); re-exported for this folder's tests.
export { readLayerGradsFixture, maxAbsDifference, type FixtureTensor, type LayerGradsFixture } from '@senti/fixtures';
