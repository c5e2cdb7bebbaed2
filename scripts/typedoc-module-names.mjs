// TypeDoc plugin: names each entry point's module by its import specifier (`@faceattr/core/node`), read
// from the exports maps, so the reference matches what users import and no source repeats its own name.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Converter, ReflectionKind } from 'typedoc';
import { publicEntryPoints } from './package-entries.mjs';

/** @param {import('typedoc').Application} app */
export function load(app) {
  const names = new Map(publicEntryPoints(fileURLToPath(new URL('../packages', import.meta.url))).map((e) => [resolve(e.source), e.specifier]));
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (!reflection.kindOf(ReflectionKind.Module)) return;
    const file = context.getSymbolFromReflection(reflection)?.declarations?.[0]?.getSourceFile().fileName;
    const name = file && names.get(resolve(file));
    if (name) reflection.name = name;
  });
}
