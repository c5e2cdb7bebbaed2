// The API reference (`npm run docs`, docs/api). Entry points and module names come from the public
// packages' exports maps (scripts/package-entries.mjs), so a new entry is documented without listing it here.
import { fileURLToPath } from 'node:url';
import { publicEntryPoints } from './scripts/package-entries.mjs';

const entries = publicEntryPoints(fileURLToPath(new URL('packages', import.meta.url)));

/** @type {Partial<import('typedoc').TypeDocOptions>} */
export default {
  name: 'faceattr',
  entryPoints: entries.map((e) => e.source),
  plugin: ['./scripts/typedoc-module-names.mjs'],
  out: 'docs/api',
  tsconfig: 'tsconfig.json',
  readme: 'README.md',
  projectDocuments: ['docs/guides/*.md', 'MODELS.md'],
  disableSources: true,
  excludePrivate: true,
  excludeInternal: true,
  // Every public export, field and method needs a description: TypeDoc checks only the packages listed
  // here (its default is the root package, which exports nothing).
  validation: { notExported: true, invalidLink: true, notDocumented: true },
  packagesRequiringDocumentation: [...new Set(entries.map((e) => e.packageName))],
  treatWarningsAsErrors: true,
};
