"""`accelerator ...`: operations commands for the Athlete Accelerator stack."""
