// The Nest application context: CQRS buses and the command handlers. No HTTP adapter: Koa is the edge.
import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { DeleteTableHandler } from './handlers/deleteTable.handler.js';
import { SubmitDownloadHandler } from './handlers/submitDownload.handler.js';
import { SubmitUploadHandler } from './handlers/submitUpload.handler.js';
import { StopJobHandler } from './handlers/stopJob.handler.js';
import { CleanQueueHandler } from './handlers/cleanQueue.handler.js';
import { DeleteMetricsHandler } from './handlers/deleteMetrics.handler.js';
import { CleanJobHandler } from './handlers/cleanJob.handler.js';
import { SubmitJobHandler } from './handlers/submitJob.handler.js';
import { UpdateJobNotesHandler } from './handlers/updateJobNotes.handler.js';
import { BindModelHandler } from './handlers/bindModel.handler.js';
import { LoadModelHandler } from './handlers/loadModel.handler.js';
import { LoadModelOnPartyHandler } from './handlers/loadModelOnParty.handler.js';
import { ChangePermissionHandler } from './handlers/changePermission.handler.js';
import { NodeServices } from './nodeServices.js';

@Module({})
export class AppModule {
  static register(services: NodeServices): DynamicModule {
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot()],
      providers: [{ provide: NodeServices, useValue: services }, SubmitUploadHandler, SubmitDownloadHandler, DeleteTableHandler, UpdateJobNotesHandler,
        SubmitJobHandler, StopJobHandler, CleanQueueHandler, DeleteMetricsHandler, CleanJobHandler, LoadModelHandler, LoadModelOnPartyHandler, BindModelHandler,
        ChangePermissionHandler],
    };
  }
}
