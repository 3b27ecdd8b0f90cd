"""The two services an order is announced to in exercise 23: the warehouse reserves its stock,
the mailer confirms it to the customer. Each takes the order as JSON, by POST. In tests, respx
answers in place of the remote host; by hand, `python -m course.fake_api`.
"""

import os

API = os.environ.get("AWAITLINGS_API", "https://shop.example")
WAREHOUSE_URL = f"{API}/warehouse"
MAILER_URL = f"{API}/mailer"
