from . import res_company
from . import res_partner
from . import res_config_settings
from . import product_template
from . import account_move
from . import account_edi_xml_cii
