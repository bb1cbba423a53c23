"""Reports as documents: a PDF (WeasyPrint) and an Excel workbook (openpyxl) per scope."""
