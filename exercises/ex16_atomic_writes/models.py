from django.db import models


class Product(models.Model):
    name = models.CharField(max_length=80)
    stock = models.PositiveIntegerField()


class Order(models.Model):
    customer = models.CharField(max_length=80)


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField()
