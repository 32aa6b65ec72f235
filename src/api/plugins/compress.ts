import { constants } from 'node:zlib';
import compress from '@fastify/compress';
import type { AppContext } from '../../app/context.js';
import { globalPlugin } from './plugin.js';

export interface CompressPluginOptions extends Record<string, unknown> {
  ctx: AppContext;
}

/** Level 4 brotli: close to gzip's speed with smaller output; quality 11 (zlib's default) costs ~20x more CPU. */
export const BROTLI_QUALITY = 4;
export const GZIP_LEVEL = 6;

/**
 * br/gzip for responses larger than `api.compressThreshold` bytes when the client sends `Accept-Encoding`.
 * Request bodies are never decompressed (they are small JSON; no zip bombs).
 */
export const compressPlugin = globalPlugin<CompressPluginOptions>('lnmt-compress', async (app, { ctx }) => {
  await app.register(compress, {
    global: true,
    globalDecompression: false,
    threshold: ctx.config.api.compressThreshold,
    encodings: ['br', 'gzip'],
    brotliOptions: { params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY } },
    zlibOptions: { level: GZIP_LEVEL },
  });
});
