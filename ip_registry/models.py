"""Patents, their right holders, the registry ledger, targets and statistics."""
