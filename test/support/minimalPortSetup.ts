// The "minimal port" jest project: test stores offer only the event-store port's required methods.
process.env.LMS_TEST_STORE = 'minimal';
