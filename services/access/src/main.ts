import { runServiceMain } from '@crm/service-kit';
import { createService } from './service';

void runServiceMain('access', createService);
