"""The DX survey: SME profiles (versioned), the questionnaire, and the recommendation page."""
