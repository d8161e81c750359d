"""Scale benchmarks: every school in England (DESIGN §5), each figure beside a baseline."""
