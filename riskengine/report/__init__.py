"""The report: the PDF rendered from an Assessment (``riskengine.report.pdf``), in the audience's sections.

Kept free of imports so that importing the package does not pull in reportlab; the pipeline imports
``riskengine.report.pdf`` only when it renders.
"""
