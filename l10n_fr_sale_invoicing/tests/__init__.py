from . import test_french_invoice
from . import test_french_rules
from . import test_french_vat
