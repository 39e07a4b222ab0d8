"""The floor under ``riskengine assess``: the least a program that reads a questionnaire and writes a PDF must do.

It imports openpyxl and reportlab, reads every cell of the workbook (read-only, values only, as our reader
opens a file) and writes a one-page PDF with a title, a sentence and a table of the first rows read.
``assess_floor.py`` times ``assess`` against it, run for run, in new processes.

    python benchmarks/floor.py samples/northwind-mail.xlsx /tmp/floor.pdf
"""

from __future__ import annotations

import sys
from xml.sax.saxutils import escape

from openpyxl import load_workbook
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table


def main(workbook_path: str, pdf_path: str) -> None:
    workbook = load_workbook(workbook_path, read_only=True, data_only=True)
    rows = [[str(value) for value in row if value is not None]
            for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)]
    rows = [row for row in rows if row]
    workbook.close()
    styles = getSampleStyleSheet()
    SimpleDocTemplate(pdf_path, pagesize=A4).build([
        Paragraph(escape(workbook_path), styles["Title"]),
        Paragraph(f"{len(rows)} rows read", styles["Normal"]),
        Table([[escape(cell[:40]) for cell in row[:3]] for row in rows[:30]]),
    ])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
