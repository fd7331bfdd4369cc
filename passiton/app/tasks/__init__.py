"""Background work on Huey: codes on stores, approvals, sweeps, reconciliation, heartbeats."""
