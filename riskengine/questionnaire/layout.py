"""Where things sit in the native questionnaire workbook; shared by the template writer and the reader."""

HEADER_ROW = 4
FIRST_QUESTION_ROW = 5
COLUMN_TITLES = ("ID", "Question", "Guidance", "Answer", "Format", "Comments (reason for Partial or N/A)")
ANSWER_COLUMN = 4
COMMENT_COLUMN = 6
TABLE_FIRST_COLUMN = 2
"""Table questions put their columns from B onwards, under the row that holds the question id."""
META_SHEET = "_riskengine"
CATALOGUE_SHEET = "Our systems"
"""The optional sheet listing the systems a vendor may connect to (``template --with-systems``); the reader skips
it."""
