// Installed globally from the tarballs (`npm i -g senti-*.tgz`), every @senti package is its own install root with
// its own copy of @tensorflow/tfjs-core. The copies share one engine and one environment (tfjs keeps them on
// globalThis, and its Tensor checks work across copies), but each copy after the first prints "Platform node has
// already been set. Overwriting the platform with node." as it loads. Loading one copy first and setting tfjs's PROD
// flag, which only silences tfjs's own console notices, keeps that line out of the CLI's output.
import { env } from '@tensorflow/tfjs-core';

env().set('PROD', true);
