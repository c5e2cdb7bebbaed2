// The API reference's checks without writing HTML: TypeDoc's validation as typedoc.config.mjs sets it (every
// public export, field and method documented, links resolve). `npm run docs` fails on the same warnings;
// this lists them, for the docs test (test/api-docs.test.ts) and `npm run docs:check`.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Application, Logger, LogLevel, TSConfigReader, TypeDocReader } from 'typedoc';

class CollectingLogger extends Logger {
  messages = [];
  log(message, level) {
    super.log(message, level);
    if (level >= LogLevel.Warn) this.messages.push(message);
  }
}

/** TypeDoc's warnings and errors for the API reference, one line each (empty when the docs are complete). */
export async function apiDocProblems() {
  // Type errors are `npm run typecheck`'s job; skipping them keeps this check fast and about the docs.
  const app = await Application.bootstrapWithPlugins(
    { options: fileURLToPath(new URL('../typedoc.config.mjs', import.meta.url)), skipErrorChecking: true, logLevel: 'Warn' },
    [new TypeDocReader(), new TSConfigReader()],
  );
  const logger = new CollectingLogger();
  app.logger = logger;
  const project = await app.convert();
  if (project) app.validate(project);
  else logger.error('TypeDoc could not convert the project');
  return logger.messages;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const problems = await apiDocProblems();
  for (const line of problems) console.error(line);
  console.error(problems.length ? `${problems.length} API doc problems` : 'API docs complete');
  process.exitCode = problems.length ? 1 : 0;
}
