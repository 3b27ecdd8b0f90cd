"""The signal an order sends when it is placed. You do not edit it: anyone may listen."""

from django.dispatch import Signal

order_placed = Signal()  # sent with `order=`: the order, as the customer sent it
