from . import sale_make_invoice_advance
from . import sale_order_close
