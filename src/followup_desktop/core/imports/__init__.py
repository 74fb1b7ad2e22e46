"""Files people bring from elsewhere: spreadsheets, other trackers, contacts, postings.

Pure Python, no Qt. Each importer reads a file into a *plan* that says exactly what
would be created, changed, merged or skipped; the plan is what a dry run prints and
what :meth:`FollowupService.import_rows` (or ``import_contacts``) writes in one
transaction. The layers:

* :mod:`.sheet` — bytes to rows: encodings (UTF-8 with or without BOM, UTF-16 with a
  BOM, Windows-1252), separators (comma, semicolon, tab) and a preamble before the
  header (LinkedIn's ``Notes:`` lines);
* :mod:`.formats` — the fields Followup imports, each known tool's headers, aliases
  for anybody's own spreadsheet;
* :mod:`.values` — dates (a day-first switch), salaries, links, yes/no;
* :mod:`.stages` — a stage guessed from words such as "phone screen" or "declined";
* :mod:`.dedupe` — normalised posting links and company + role keys;
* :mod:`.plan` — the dry run: rows to planned creations and updates, with problems
  listed by row and column;
* :mod:`.spreadsheet` — a plain CSV export of every opportunity (it imports back);
* :mod:`.proof` — the proof-of-search log for a period;
* :mod:`.contacts` and :mod:`.vcard` — LinkedIn connections and vCards in, vCards out;
* :mod:`.posting` — a saved job posting's schema.org ``JobPosting`` data.
"""
