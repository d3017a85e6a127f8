import { Router } from 'express';
import { notFound } from '../errors.js';
import type { AppDeps } from '../deps.js';
import { idParams } from '../schemas/common.js';
import { createOfficeBody } from '../schemas/offices.js';

export function officeRoutes({ prisma }: AppDeps): Router {
  const router = Router();
  router.post('/', async (req, res) => {
    const body = createOfficeBody.parse(req.body);
    const office = await prisma.office.create({ data: { name: body.name, language: body.language, contactEmail: body.contactEmail } });
    res.status(201).location(`/v1/offices/${office.id}`).json(office);
  });
  router.get('/:id', async (req, res) => {
    const { id } = idParams.parse(req.params);
    const office = await prisma.office.findUnique({ where: { id } });
    if (!office) throw notFound('office');
    res.json(office);
  });
  return router;
}
