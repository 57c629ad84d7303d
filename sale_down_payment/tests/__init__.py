from . import test_invoicing
from . import test_exact_deductions
from . import test_invoice_preview
from . import test_order_closing
