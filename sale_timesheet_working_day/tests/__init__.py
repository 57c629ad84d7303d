from . import test_days_hours
from . import test_invoice_hours
from . import test_overrun
from . import test_install
