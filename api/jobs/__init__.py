"""Plan jobs: run outside the request by an executor or by ``huanwei worker`` processes."""
