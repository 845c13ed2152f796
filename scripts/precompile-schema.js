// Part of `npm run build`: compiles the Compose schema check ahead of time (lib/schema/precompiled.ts).
require('../dist/lib/schema/precompiled').writePrecompiled(require('node:path').join(__dirname, '..'));
