#!/usr/bin/env node
// hookhub ships as TypeScript and runs through tsx's loader: no build step between `npm install` and `npm start`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
