"""The neighbourhood diagram: the proposed tool, the systems it would connect to, and those one step beyond.

Two steps: ``layout`` places everything (pure, no reportlab: findings in, frozen positions out) and
``drawing`` turns a layout into a reportlab Drawing. ``geometry`` and ``lines`` hold the plane geometry and
the text fitting the layout uses. Kept free of imports, so that the layout can be used without reportlab.
"""
