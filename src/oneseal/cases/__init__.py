"""Cases (办件): from submission to the result in the applicant's hands."""
