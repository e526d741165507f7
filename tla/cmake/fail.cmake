# A test that must fail with a clear message (e.g. a required tool is missing).
message(FATAL_ERROR "${MSG}")
