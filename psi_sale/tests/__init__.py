from . import test_install
from . import test_crm_origin
from . import test_crm_offer_category
from . import test_crm_stage
from . import test_crm_access
from . import test_crm_activity_plan
from . import test_days_hours
from . import test_i18n
