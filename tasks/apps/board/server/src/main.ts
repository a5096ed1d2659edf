// Entry point: node server/dist/main.js --port N --data-dir DIR [--verbose]
//
// Every start creates <data-dir>/board.sqlite from scratch: all migrations, then the demo data.

import { createApp } from './app';
import { Db } from './db';
import { seed } from './seed';

interface Args {
  port: number;
  dataDir: string;
  verbose: boolean;
}

function usage(message: string): never {
  console.error(`${message}\nusage: node server/dist/main.js --port N --data-dir DIR [--verbose]`);
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  let port: number | undefined;
  let dataDir: string | undefined;
  let verbose = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [name, inline] = arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = () => inline ?? argv[++i] ?? usage(`${name} needs a value`);
    switch (name) {
      case '--port':
        port = Number(value());
        if (!Number.isInteger(port) || port < 0 || port > 65535) usage('--port must be a port number');
        break;
      case '--data-dir':
        dataDir = value();
        break;
      case '--verbose':
        verbose = true;
        break;
      default:
        usage(`unknown argument: ${arg}`);
    }
  }
  if (port === undefined) usage('--port is required');
  if (!dataDir) usage('--data-dir is required');
  return { port, dataDir, verbose };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const db = await Db.create(args.dataDir, args.verbose);
  seed(db);
  db.persist();

  const reset = async () => {
    await db.recreate();
    seed(db);
    db.persist();
  };
  const app = createApp({ db, reset, verbose: args.verbose });
  const server = app.listen(args.port, '127.0.0.1', () => {
    console.log(`board listening on http://127.0.0.1:${args.port} (data in ${args.dataDir})`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
