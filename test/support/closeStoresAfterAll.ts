import { closeTestEventStores } from './testEventStore';

// Runs after every test file (jest setupFilesAfterEnv): stores the harnesses opened on EventStoreDB are closed.
afterAll(() => closeTestEventStores());
