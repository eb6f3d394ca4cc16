// Runs before each test file: installs the fake wx before miniprogram-simulate merges its own API
// under it, and resets it before every test.
const fakeWx = require('./wx');

global.wx = {};
beforeEach(() => fakeWx.reset());
