import type { Plugin } from 'vite';

/**
 * Adds `<link rel="modulepreload">` (and a style preload) to index.html for the chunks of the given lazily imported
 * modules and the chunks they import, so the browser fetches and compiles them alongside the entry instead of only
 * once the entry has run and asked for them. Vite hints the static imports of the entry only.
 */
export function preloadChunks(modules: readonly string[]): Plugin {
  return {
    name: 'vigil-preload-chunks',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const bundle = ctx.bundle;
        if (!bundle) return [];
        const chunks = new Map(Object.values(bundle).flatMap((c) => (c.type === 'chunk' ? [[c.fileName, c] as const] : [])));
        const wanted = new Set<string>();
        const visit = (fileName: string) => {
          if (wanted.has(fileName) || fileName === ctx.chunk?.fileName) return;
          wanted.add(fileName);
          for (const imported of chunks.get(fileName)?.imports ?? []) visit(imported);
        };
        for (const chunk of chunks.values())
          if (chunk.facadeModuleId && modules.some((m) => chunk.facadeModuleId!.endsWith(m))) visit(chunk.fileName);
        const missing = modules.filter((m) => ![...chunks.values()].some((c) => c.facadeModuleId?.endsWith(m)));
        if (missing.length > 0) throw new Error(`preloadChunks: no chunk for ${missing.join(', ')}`);
        const css = new Set([...wanted].flatMap((f) => [...(chunks.get(f)?.viteMetadata?.importedCss ?? [])]));
        return [
          ...[...wanted].map((f) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `/${f}` }, injectTo: 'head' as const })),
          ...[...css].map((f) => ({ tag: 'link', attrs: { rel: 'preload', as: 'style', href: `/${f}` }, injectTo: 'head' as const })),
        ];
      },
    },
  };
}
