"""The standing adversarial test set (issue 8 section 3).

One file per attack class. Each file's docstring names the public report or specification section the
attack comes from; each test asserts the verdict (``verified``) and the stable problem code.
New attack classes go here too.
"""
