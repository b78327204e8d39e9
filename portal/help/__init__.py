"""Help for people answering the questionnaires: the public glossary page (/glossary). The data (terms,
time estimates, shared items) is in questionnaires/help/; the module page shows it beside the questions."""
