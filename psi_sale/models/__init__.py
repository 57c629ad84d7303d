from . import crm_tag
from . import crm_stage
from . import crm_lead
