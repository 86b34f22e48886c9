"""What relplan hands to people and programs: JSON contracts, reports, the ICS feed."""
