from odoo import api, models
from odoo.tools import SQL


class IrSequence(models.Model):
    _inherit = "ir.sequence"

    @api.model
    def _lease_name_new(self, sequence_code, vals_list):
        """Give the records about to be created without a number ("/" or none) the next
        numbers of ``sequence_code``, drawn together (``create`` of lease records).
        A number is never chosen by the user: outside superuser mode a given name is
        replaced by the next number too (issue "Integrity")."""
        unnamed = [
            vals
            for vals in vals_list
            if vals.get("name", "/") == "/" or not self.env.su
        ]
        for vals, name in zip(
            unnamed, self._lease_next_by_code_batch(sequence_code, len(unnamed))
        ):
            vals["name"] = name
        return vals_list

    @api.model
    def _lease_next_by_code_batch(self, sequence_code, count):
        """``count`` numbers of the sequence ``sequence_code``, in the order
        ``next_by_code`` would hand them out one by one. The daily jobs number
        thousands of cases, documents, legal cases and disposals at once: a standard
        sequence without date ranges draws them all in one query (``next_by_code``
        costs two queries a number); other sequences fall back to ``next_by_code``.
        A missing sequence gives "/"."""
        if count <= 0:
            return []
        sequence = self.search(
            [
                ("code", "=", sequence_code),
                ("company_id", "in", [self.env.company.id, False]),
            ],
            order="company_id",
            limit=1,
        )
        if (
            count < 2
            or sequence.implementation != "standard"
            or sequence.use_date_range
        ):
            return [self.next_by_code(sequence_code) or "/" for _ in range(count)]
        numbers = self.env.execute_query(
            SQL(
                "SELECT nextval(%s) FROM generate_series(1, %s) ORDER BY 1",
                f"ir_sequence_{sequence.id:03d}",
                count,
            )
        )
        prefix, suffix = sequence._get_prefix_suffix()
        return [
            f"{prefix}{number:0{sequence.padding}d}{suffix}" for (number,) in numbers
        ]
